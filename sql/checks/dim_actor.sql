-- The frame the dim_actor suite validates: the candidate table as built.
select * from dim_actor;
