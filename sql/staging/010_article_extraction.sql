-- Which articles were read by which extractor version: extraction is incremental on this.
create schema if not exists staging;

create table if not exists staging.article_extraction (
    article_key bigint not null,
    extractor_version varchar not null,
    language varchar,
    published_date date,
    n_facts integer not null,
    run_id varchar not null,
    extracted_at timestamp not null
);
