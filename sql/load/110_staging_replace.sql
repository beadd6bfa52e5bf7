-- Replace the staged facts of the articles in this batch (registered frames `batch_*`):
-- an article re-read by a newer extractor keeps only its newest facts.
delete from work.staging.strike
where article_key in (select article_key from batch_article_extraction);

delete from work.staging.casualty
where article_key in (select article_key from batch_article_extraction);

delete from work.staging.production
where article_key in (select article_key from batch_article_extraction);

delete from work.staging.aid_pledge
where article_key in (select article_key from batch_article_extraction);

delete from work.staging.article_extraction
where article_key in (select article_key from batch_article_extraction);

insert into work.staging.article_extraction by name
select * from batch_article_extraction;

insert into work.staging.strike by name
select * from batch_strike;

insert into work.staging.casualty by name
select * from batch_casualty;

insert into work.staging.production by name
select * from batch_production;

insert into work.staging.aid_pledge by name
select * from batch_aid_pledge;
