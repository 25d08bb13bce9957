// Filled in by the web-pages work: builds web/ into web/dist when missing or stale.
