"""Check an RSS 2.0 feed with Python's XML parser, which recruitd shares no code with: it is
well-formed, its root is <rss version="2.0"> with one <channel> carrying the required title,
link and description, every <item> has a title, an absolute link, a permanent guid equal to
the link and an RFC 822 pubDate, and the item whose link ends with /jobs/OPENING_ID has the
title given.
usage: check_feed.py FEED_FILE PUBLIC_URL OPENING_ID TITLE"""
import email.utils
import sys
import xml.etree.ElementTree as ET

path, base, opening, title = sys.argv[1:5]
root = ET.parse(path).getroot()
assert root.tag == "rss" and root.get("version") == "2.0", (root.tag, root.attrib)
channels = root.findall("channel")
assert len(channels) == 1, "one channel"
channel = channels[0]
for need in ("title", "link", "description"):
    assert (channel.findtext(need) or "").strip(), "channel " + need
assert channel.findtext("link") == base + "/jobs"
self_link = channel.find("{http://www.w3.org/2005/Atom}link")
assert self_link is not None and self_link.get("href") == base + "/jobs.xml"
found = None
for item in channel.findall("item"):
    link = item.findtext("link")
    assert (item.findtext("title") or "").strip(), "an item's title"
    assert link and link.startswith(base + "/jobs/"), link
    guid = item.find("guid")
    assert guid is not None and guid.text == link and guid.get("isPermaLink") == "true"
    when = email.utils.parsedate_to_datetime(item.findtext("pubDate"))
    assert when.tzinfo is not None, "pubDate has a zone"
    assert item.findtext("description") is not None
    if link == base + "/jobs/" + opening:
        found = item
assert found is not None, "the opening is in the feed"
assert found.findtext("title") == title, found.findtext("title")
print("feed ok:", len(channel.findall("item")), "items")
