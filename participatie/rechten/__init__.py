"""Rights over your own data (AVG): see, correct, download and erase what is held about an address."""
