-- After a rebuild: only facts of the current extractor version stay staged. An article the
-- new extractor failed on loses its old facts and its extraction row, so the next run tries
-- it again instead of publishing figures an older extractor read.
delete from work.staging.strike
where extractor_version <> $extractor_version;

delete from work.staging.casualty
where extractor_version <> $extractor_version;

delete from work.staging.production
where extractor_version <> $extractor_version;

delete from work.staging.aid_pledge
where extractor_version <> $extractor_version;

delete from work.staging.article_extraction
where extractor_version <> $extractor_version;
