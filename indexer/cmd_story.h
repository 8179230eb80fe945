/*
 * cmd_story.h - the newsindex commands of story clustering:
 *   newsindex story merge A B | split A --articles ID,... | move ARTICLE --to B
 *   newsindex rebuild [--no-enrich]
 * Each returns the exit status (see cli.h).
 */
#ifndef IDX_CMD_STORY_H
#define IDX_CMD_STORY_H

#include "cli.h"

int idx_cmd_story(const globals_t *g, int argc, char **argv);
int idx_cmd_rebuild(const globals_t *g, int argc, char **argv);

#endif
