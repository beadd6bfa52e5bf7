-- quarantine_by_check: the fact rows the published run held back, per table and check.
with
quarantined as (
    select * from quarantine
),
final as (
    select
        table_name,
        check_name,
        count(*) as rows,
        count(distinct article_key) as articles,
    from quarantined
    group by table_name, check_name
)
select * from final
order by rows desc, table_name, check_name;
