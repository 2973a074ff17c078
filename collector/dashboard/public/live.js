// live events stream (filled in with the live page)
