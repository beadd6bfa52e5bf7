-- Headline counts of the published warehouse for `sitrep status`.
select
    (select count(*) from dim_article) as articles,
    (select count(*) from rejects) as rejects,
    (select count(*) from quarantine) as quarantined_rows;
