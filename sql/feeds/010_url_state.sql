-- Conditional GET per feed or page URL: the validators its server sent last time, sent back
-- as If-None-Match / If-Modified-Since; for pages also the hash of the text last landed.
create schema if not exists feeds;

create table if not exists feeds.url_state (
    url varchar primary key,
    etag varchar,
    last_modified varchar,
    content_sha256 varchar,
    checked_at timestamp not null,
    run_id varchar not null
);
