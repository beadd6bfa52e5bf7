-- Feed items and pages already handled, by canonical URL (no fragment, no tracking
-- parameters): an item is fetched once. `outcome` is 'landed' (with the landing file it went
-- to, relative to the landing folder) or the reject reason of a failure that would repeat.
create schema if not exists feeds;

create table if not exists feeds.seen_item (
    url varchar primary key,
    source varchar,
    outcome varchar not null,
    landing_file varchar,
    first_seen_at timestamp not null,
    run_id varchar not null
);
