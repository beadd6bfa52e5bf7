-- Which extraction of each article the quality gate has checked in a published run.
-- Row-level decisions (audit.quarantine) of that run stay in force until the article is
-- extracted again, so a run only checks the rows it has not checked before.
create schema if not exists audit;

create table if not exists audit.checked_article (
    article_key bigint not null,
    extracted_run_id varchar not null,
    checked_run_id varchar not null,
    checked_at timestamp not null
);
