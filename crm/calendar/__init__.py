"""Calendar feeds: each user's private iCalendar subscription, and one meeting as a .ics file."""
