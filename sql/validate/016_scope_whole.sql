-- Save the whole check scope before slicing it (015), or put it back afterwards.
create or replace temp table check_scope_all as
select article_key from check_scope;
