-- Every stored article, for a rebuild that re-extracts them all; in storage order, so each
-- batch reads a narrow stretch of the table (sql/load/105_articles_for_batch.sql).
select article_key
from work.raw.article
order by rowid;
