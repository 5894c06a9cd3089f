package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
)

// nameBook holds the names of the teammates, teams, tags and segments the replica copied, by kind and id, so that
// the CLI shows a name beside every id of one (a report grouped by admin_assignee, a search result's assignee).
type nameBook map[query.Kind]map[string]string

// recordScanner reads every record of a kind: the replica, or the serve that has it open.
type recordScanner interface {
	Scan(ctx context.Context, kind query.Kind, fn func(index.Record) error) error
}

// readNames reads the names of the records of kinds (directory kinds: small lists) from r.
func readNames(ctx context.Context, r recordScanner, kinds ...query.Kind) (nameBook, error) {
	book := nameBook{}
	for _, kind := range kinds {
		names := map[string]string{}
		err := r.Scan(ctx, kind, func(rec index.Record) error {
			if rec.Deleted {
				return nil
			}
			var v struct {
				Name string `json:"name"`
			}
			if err := json.Unmarshal(rec.Raw, &v); err != nil {
				return fmt.Errorf("%s %s: the stored record is not JSON: %w", kind.Noun(), rec.ID, err)
			}
			names[rec.ID] = v.Name
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read the %s' names: %w", kind.Noun()+"s", err)
		}
		book[kind] = names
	}
	return book, nil
}

// recordGetter reads one record: the replica, or the serve that has it open.
type recordGetter interface {
	Get(ctx context.Context, kind query.Kind, id string) (index.Record, error)
}

// addCompanies puts the names of the companies with ids into the book, reading each from r (a report's groups:
// a page of them, where the replica may hold a hundred thousand companies). An id the replica does not hold keeps
// no name.
func (b nameBook) addCompanies(ctx context.Context, r recordGetter, ids []string) error {
	if b[query.KindCompany] == nil {
		b[query.KindCompany] = map[string]string{}
	}
	for _, id := range ids {
		rec, err := r.Get(ctx, query.KindCompany, id)
		switch {
		case errors.Is(err, index.ErrNotFound):
			continue
		case err != nil:
			return fmt.Errorf("company %s: %w", id, err)
		}
		var v struct {
			Name string `json:"name"`
		}
		if err := json.Unmarshal(rec.Raw, &v); err != nil {
			return fmt.Errorf("company %s: the stored record is not JSON: %w", id, err)
		}
		b[query.KindCompany][id] = v.Name
	}
	return nil
}

// named returns "Name (id)" for an id of kind the book knows by a name, else id as it is.
func (b nameBook) named(kind query.Kind, id string) string {
	if name := b[kind][id]; name != "" {
		return fmt.Sprintf("%s (%s)", name, id)
	}
	return id
}

// nameKindOf returns the kind whose ids field f holds, when the query language takes that kind's names for them
// (admin_assignee_id holds teammates' ids: admin_assignee takes their names); "" otherwise.
func nameKindOf(kind query.Kind, f *query.Field) query.Kind {
	cat := query.CatalogFor(kind)
	if cat == nil || f == nil {
		return ""
	}
	for _, nf := range cat.Fields() {
		if nf.NameOf != "" && nf.Target == f.Name {
			return nf.NameOf
		}
	}
	return ""
}
