"""The resident panel (inwonerpanel): double opt-in sign-up, invitations to polls, leaving."""
