// Package intercom is a REST client for the parts of Intercom's API that a read replica needs: conversations,
// contacts, their search endpoints and deleted-conversation listing.
//
// It knows nothing about the replica. Records keep their raw JSON beside the typed fields, so no field is lost when
// a caller stores them.
package intercom
