-- After a publish: the articles this run checked keep its decisions until re-extracted.
delete from work.audit.checked_article
where article_key in (select article_key from check_scope);

insert into work.audit.checked_article by name
select
    extractions.article_key,
    extractions.run_id as extracted_run_id,
    $run_id as checked_run_id,
    $now as checked_at,
from work.staging.article_extraction as extractions
where extractions.article_key in (select article_key from check_scope);
