/* screens.h: the screens and what each takes as enter's argument. */
#ifndef STEPUP_SCREENS_H
#define STEPUP_SCREENS_H

#include <stdbool.h>

#include "ui.h"

/* reader: a document to page through. ack (or NULL: nothing to
 * acknowledge) is called once the operator acknowledges after the end
 * was shown; it returns 0, or -1 with *cause to show. */
struct reader_arg {
	const char	*path;
	const char	*title;
	int		(*ack)(void *ctx, char **cause);
	void		*ctx;
};

extern const struct screen screen_help;
extern const struct screen screen_reader;

#endif
