"""Tamil: "5 மார்ச் 1990", as the dev sgID writes it (Django's own: "5 மார்ச், 1990")."""

DATE_FORMAT = "j F Y"
