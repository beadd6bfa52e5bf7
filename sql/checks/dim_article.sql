-- The frame the dim_article suite validates: the rows of the articles this run checks
-- (check_scope, sql/validate/010_check_scope.sql), without the article text (the checks do not
-- read it, and at scale it is most of the table's bytes). Keys unique and not null over the
-- whole table are counted in sql/checks/integrity.sql.
select * exclude (text) from dim_article
where article_key in (select article_key from check_scope);
