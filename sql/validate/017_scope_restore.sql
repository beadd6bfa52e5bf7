-- The whole check scope again, for the publish step's quarantine and bookkeeping.
create or replace temp table check_scope as
select article_key from check_scope_all;
