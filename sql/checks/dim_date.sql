-- The frame the dim_date suite validates: the candidate table as built.
select * from dim_date;
