-- The validators and last landed text hash of one feed or page URL.
select
    etag,
    last_modified,
    content_sha256,
from feeds.url_state
where url = $url
