-- Every landing file the published warehouse knows of (by name and hash), with what it
-- became: articles in dim_article, rejects, or both (a JSON Lines file with a bad line).
with
ledger as (
    select distinct
        file_name,
        file_sha256,
    from landing_files
),
refused_unread as (
    -- files refused before they were read (too large, unsupported, a link outside ...)
    select distinct
        source_file as file_name,
        file_sha256,
    from rejects
    where line is null
      and reason not in ('duplicate', 'extraction_error')
),
files as (
    select * from ledger
    union
    select * from refused_unread
),
articles as (
    select
        source_file as file_name,
        file_sha256,
        count(*) as n_articles,
    from dim_article
    group by all
),
file_rejects as (
    select
        source_file as file_name,
        file_sha256,
        count(*) as n_rejects,
        string_agg(distinct reason, ',' order by reason) as reasons,
    from rejects
    group by all
),
final as (
    select
        files.file_name,
        files.file_sha256,
        coalesce(articles.n_articles, 0) as n_articles,
        coalesce(file_rejects.n_rejects, 0) as n_rejects,
        file_rejects.reasons,
    from files
    left join articles
        on articles.file_name = files.file_name
        and articles.file_sha256 is not distinct from files.file_sha256
    left join file_rejects
        on file_rejects.file_name = files.file_name
        and file_rejects.file_sha256 is not distinct from files.file_sha256
)
select * from final
order by file_name, file_sha256;
