-- Remember what the server said about a URL once everything it listed was handled.
insert into feeds.url_state (url, etag, last_modified, content_sha256, checked_at, run_id)
values ($url, $etag, $last_modified, $content_sha256, $now, $run_id)
on conflict (url) do update set
    etag = excluded.etag,
    last_modified = excluded.last_modified,
    content_sha256 = coalesce(excluded.content_sha256, feeds.url_state.content_sha256),
    checked_at = excluded.checked_at,
    run_id = excluded.run_id;
