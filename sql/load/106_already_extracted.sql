-- Which articles of a chunk (registered frame `chunk_keys`) the current extractor has read
-- before: their staged facts stay as they are.
select chunk_keys.article_key
from chunk_keys
inner join work.staging.article_extraction as extractions
    on extractions.article_key = chunk_keys.article_key
where extractions.extractor_version = $extractor_version;
