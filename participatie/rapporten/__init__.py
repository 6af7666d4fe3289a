"""Terugkoppeling: the report per vraag, published and sent personally to every participant."""
