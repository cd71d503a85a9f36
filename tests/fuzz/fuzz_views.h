/* tests/fuzz/fuzz_views.h - the view checks the fuzz targets share: every
   view of a mapped connection is what its has_* byte says, every id walk
   yields `count` ids, metadata is valid JSON. The target defines require()
   and require_view(p, has) (which also knows where a view must lie) before
   including this. */
#ifndef APCONN_FUZZ_VIEWS_H
#define APCONN_FUZZ_VIEWS_H
static void require_ids(const apconn_ids *ids, apconn_has has) {
    const char *id;
    size_t n = 0;
    require((ids->first != NULL) == (has == APCONN_SET && ids->count > 0));
    for (id = ids->first; id && n <= ids->count; id = apconn_ids_next(ids, id)) {
        require_view(id, APCONN_SET);
        n++;
    }
    require(n == ids->count);
}

static void check_connection(const apconn_connection *c) {
    const apconn_owner *o = &c->owner;
    require_view(c->id, APCONN_SET);
    require_view(c->created, c->has_created);
    require_view(c->updated, c->has_updated);
    require_view(c->external_id, c->has_external_id);
    require_view(c->display_name, c->has_display_name);
    require_view(c->piece_name, c->has_piece_name);
    require_view(c->piece_version, c->has_piece_version);
    require_view(c->platform_id, c->has_platform_id);
    require_view(c->owner_id, c->has_owner_id);
    require_view(c->metadata, c->has_metadata);
    if (c->metadata) require(apconn_json_validate(c->metadata, strlen(c->metadata)) == APCONN_OK);
    require_ids(&c->project_ids, c->has_project_ids);
    require_ids(&c->flow_ids, c->has_flow_ids);
    require_view(o->id, c->has_owner);
    require_view(o->email, o->has_email);
    require_view(o->first_name, o->has_first_name);
    require_view(o->last_name, o->has_last_name);
    require_view(o->created, o->has_created);
    require_view(o->updated, o->has_updated);
    require_view(o->external_id, o->has_external_id);
    require_view(o->platform_id, o->has_platform_id);
    require_view(o->last_active_date, o->has_last_active_date);
    require_view(o->image_url, o->has_image_url);
}
#endif
