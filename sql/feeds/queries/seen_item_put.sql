-- Record a handled item; the first sighting (time, landing file) is kept.
insert into feeds.seen_item (url, source, outcome, landing_file, first_seen_at, run_id)
values ($url, $source, $outcome, $landing_file, $now, $run_id)
on conflict (url) do nothing;
