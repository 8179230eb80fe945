/*
 * decisions.h - user corrections of stories (merge, split, move): made
 * once by `newsindex story ...`, stored as user decisions in terms of the
 * articles they concern, and re-applied after every rebuild, so they
 * survive whatever story ids the clustering hands out next time.
 */
#ifndef IDX_DECISIONS_H
#define IDX_DECISIONS_H

#include "newsarc.h"

/*
 * Apply one stored decision to the current stories.
 *  - "story-merge" args {"into": [article ids], "from": [article ids]}:
 *    the stories now holding any of these articles become one (the story
 *    of the first "into" article that has one);
 *  - "story-split" args {"articles": [ids]}: these articles leave their
 *    story(ies) for a new story of their own;
 *  - "story-move" args {"article": id, "to": [ids]}: the article joins the
 *    story now holding the first of "to" that has one.
 * Affected stories get their most representative headline as title.
 *   story_out OUT the resulting story (merge target, new story of a split,
 *             move target); may be NULL
 * Returns ARC_OK; ARC_E_PARSE for malformed args; ARC_E_NOT_FOUND when
 * none of the articles it names is stored any more; the archive's status.
 */
arc_status_t idx_decision_apply(arc_db_t *db, const arc_decision_t *d,
                                int64_t *story_out);

/*
 * Re-apply every stored story decision in the order they were made.
 *   applied OUT how many could be applied (may be NULL)
 * Decisions whose articles are gone are skipped.
 */
arc_status_t idx_decisions_reapply(arc_db_t *db, size_t *applied);

/*
 * Set the story's title to its most representative headline: the title
 * of the (non-copy) article whose headline words are closest to the
 * others' (ties: the earliest article).
 */
arc_status_t idx_story_retitle(arc_db_t *db, int64_t story);

#endif
