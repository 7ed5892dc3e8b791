"""Malay: the month written in full ("5 Mac 1990", "5 Januari 1990"), not Django's "5 Jan 1990"."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, P"
