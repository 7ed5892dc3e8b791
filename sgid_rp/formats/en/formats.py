"""Singapore English: day, month, year ("5 March 1990"), as on Singapore government sites."""

DATE_FORMAT = "j F Y"  # 5 March 1990
DATETIME_FORMAT = "j F Y, P"  # 5 March 1990, 2:30 p.m.
YEAR_MONTH_FORMAT = "F Y"  # March 1990
MONTH_DAY_FORMAT = "j F"  # 5 March
SHORT_DATE_FORMAT = "d/m/Y"  # 05/03/1990
SHORT_DATETIME_FORMAT = "d/m/Y P"
FIRST_DAY_OF_WEEK = 1  # Monday
