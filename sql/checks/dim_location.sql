-- The frame the dim_location suite validates: the candidate table as built.
select * from dim_location;
