/* console_home: /staff, the console's first page. */
#include "edge/request.h"
#include "pages/console.h"

int
console_home(struct req *r)
{
	struct console c;
	struct html h;
	int rc = console_enter(r, &c, false);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	c.frame.title = "Home";
	c.frame.nav = "home";
	html_init(&h);
	html_lit(&h, "<h1>Home</h1>");
	return html_send(r, 200, &c.frame, &h);
}
