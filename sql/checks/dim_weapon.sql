-- The frame the dim_weapon suite validates: the candidate table as built.
select * from dim_weapon;
