-- Which of the given canonical URLs were handled before.
select url
from feeds.seen_item
where list_contains($urls, url)
