-- The frame the dim_article suite validates: the candidate table as built.
select * from dim_article;
