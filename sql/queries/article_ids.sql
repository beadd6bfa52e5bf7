-- The article id of each published article: quarantined rows name the article they came from.
select article_key, article_id from dim_article;
