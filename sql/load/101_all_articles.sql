-- Every stored article, for a rebuild that re-extracts them all.
select article_key
from work.raw.article
order by article_key;
