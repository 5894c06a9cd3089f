package wire

import "encoding/json"

// Article is the JSON of a Help Center article (schema "article"), with the fields this module reads; the record
// itself keeps every other field. Its top-level title, description, body, state and url are its default
// language's; TranslatedContent holds every language version by locale ("en", "fr", ...) and a "type" key.
type Article struct {
	ID                    String                     `json:"id"`
	Title                 String                     `json:"title"`
	Description           String                     `json:"description"`
	Body                  String                     `json:"body"` // HTML
	AuthorID              String                     `json:"author_id"`
	State                 String                     `json:"state"` // published or draft
	URL                   String                     `json:"url"`
	ParentIDs             []String                   `json:"parent_ids"`
	DefaultLocale         String                     `json:"default_locale"`
	HasUnpublishedChanges Bool                       `json:"has_unpublished_changes"`
	CreatedAt             Int                        `json:"created_at"`
	UpdatedAt             Int                        `json:"updated_at"`
	TranslatedContent     map[string]json.RawMessage `json:"translated_content"`
	Tags                  *struct {
		Tags []Ref `json:"tags"`
	} `json:"tags"`
}

// ArticleContent is one language version of an article (schema "article_content").
type ArticleContent struct {
	Title       String `json:"title"`
	Description String `json:"description"`
	Body        String `json:"body"` // HTML
	AuthorID    String `json:"author_id"`
	State       String `json:"state"`
	URL         String `json:"url"`
}

// Collection is the JSON of a Help Center collection or section (schema "collection"): its name names the ids in
// articles' parent_ids, and its help center ties those articles to a help center.
type Collection struct {
	ID           String `json:"id"`
	Name         String `json:"name"`
	ParentID     String `json:"parent_id"`
	HelpCenterID String `json:"help_center_id"`
}

// HelpCenter is the JSON of a help center (schema "help_center"): display_name is what readers see, identifier
// the name in its URL.
type HelpCenter struct {
	ID          String `json:"id"`
	DisplayName String `json:"display_name"`
	Identifier  String `json:"identifier"`
}
