-- One slice of the run's check scope (kept whole in check_scope_all): a large backfill is
-- checked a slice at a time so the frames in memory stay small.
create or replace temp table check_scope as
select article_key
from check_scope_all
where hash(article_key) % $n_chunks = $chunk;
