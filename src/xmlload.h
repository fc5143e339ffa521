// Safe XML loading (xmlload.c): strict UTF-8, no DTD loading, no entities, no
// network, exactly one error for a file that is not well-formed, and path
// confinement for XInclude targets and layout paths. Used by the model builder
// (report XML), the layout-file reader and the layout-name check.
#ifndef EVALPDF_XMLLOAD_H
#define EVALPDF_XMLLOAD_H

#include "diag.h"

#include <stddef.h>

typedef struct _xmlDoc ep_xml_doc;
struct _xmlNode;

// 'ep_xml_parse()' - Parse FILE_PATH safely; on failure adds exactly one error
// (naming the file as DISPLAY) to DIAGS and returns NULL. Free with xmlFreeDoc.
ep_xml_doc *ep_xml_parse(const char *file_path, const char *display, ep_diags *diags);

// 'ep_xml_parse_dict()' - ep_xml_parse() sharing the name dictionary DICT (NULL = own).
ep_xml_doc *ep_xml_parse_dict(const char *file_path, const char *display, ep_diags *diags, void *dict);

// 'ep_xml_parse_fd()' - ep_xml_parse_dict() of the regular file open on FD
// (checked with fstat, at most EP_MAX_FILE_BYTES, read from FD; FD stays open).
ep_xml_doc *ep_xml_parse_fd(int fd, const char *display, ep_diags *diags, void *dict);

// 'ep_xml_parse_memory()' - ep_xml_parse_dict() for LEN bytes at DATA (borrowed); BASE names
// the document for libxml2 (NULL allowed), DISPLAY for diagnostics.
ep_xml_doc *ep_xml_parse_memory(const unsigned char *data, size_t len, const char *base, const char *display,
                                ep_diags *diags, void *dict);

// 'ep_xml_line()' - The first line of NODE's start tag (elements; for text, the
// line it starts on), else libxml2's line for NODE; 0 when unknown.
unsigned long ep_xml_line(const struct _xmlNode *node);

// 'ep_path_confined()' - Test that absolute PATH lies beneath ROOT_REAL (an
// already-resolved directory): lexically normalised, then opened beneath the root
// without following a symbolic link out (ep_open_confined()). Stores the
// normalised path (heap; NULL for -1) in *REAL. Returns 0 inside, 1 outside (by its path or
// through a link; never depends on whether an outside file exists), -1 when it
// cannot be opened inside (errno kept).
int ep_path_confined(const char *path, const char *root_real, char **real);

#endif
