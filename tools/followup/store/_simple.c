/* The simple-shape YAML reader of yaml12.py, compiled.
 *
 * It reads exactly the shape yaml12.load_simple's pure-Python reader reads -- top-level
 * keys, one-level block sequences and mappings, one-line flow collections, plain scalars
 * without  , [ ] { } # :  and quoted scalars without escapes -- with the same rules, and
 * returns None wherever it is not sure (carriage returns, unusual characters, anything the
 * Python reader would refuse, any error). The caller then runs the Python reader, which
 * falls back to libyaml: this module may decline more than the Python reader, never read
 * differently. Typing a plain scalar (dates, numbers, booleans, null) is left to the
 * Python function it is given (yaml12._plain_cached), so YAML 1.2 typing lives in one place.
 * tests/test_yaml_compiled.py holds the two readers to the same results.
 *
 * Why C: the Python reader costs ~0.2 ms a customer file, a third of a cold `check`;
 * this one ~0.02 ms (docs/performance.md).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* yaml12.MAX_FLOW_DEPTH: flow collections nested deeper are left to the exact reader, which
 * refuses documents deeper than yaml12.MAX_DEPTH (this reader starts counting at 0) */
#define MAX_FLOW_DEPTH 28

static PyObject *plain_memo;    /* dict: text -> typed value (yaml12._PLAIN_MEMO) */
static PyObject *plain_typer;   /* yaml12._plain_cached */
static PyObject *known_keys;    /* set of keys already found valid (yaml12._SIMPLE_KEYS) */
static PyObject *key_checker;   /* yaml12._simple_key_ok */

typedef struct {
    PyObject *text;
    Py_UCS4 *s;          /* the text as code points: one array, whatever the str's kind */
    Py_ssize_t len;
    Py_ssize_t *start;   /* kept lines: [start[i], end[i]) */
    Py_ssize_t *end;
    Py_ssize_t n;
} Doc;

#define CH(d, i) ((d)->s[i])

/* ASCII character classes, from yaml12's patterns */
enum { WHITE = 1, SAFE = 2, PLAIN_FIRST = 4, TYPED_FIRST = 8, KEY_FIRST = 16, KEY_CHAR = 32,
       UNSAFE = 64 };
static unsigned char ascii_class[128];

static void init_classes(void)
{
    for (int c = 0; c < 128; c++) {
        unsigned char k = 0;
        if (c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f))
            k |= WHITE;  /* Python's \s: yaml12._WHITE */
        if (c <= 0x08 || c == 0x09 || (c >= 0x0b && c <= 0x1f) || c == 0x7f)
            k |= UNSAFE;  /* yaml12._UNSAFE_TEXT */
        if (!(k & WHITE) && (c == 0 || !strchr(",[]{}#:", c)))
            k |= SAFE;  /* yaml12._SAFE */
        if ((k & SAFE) && (c == 0 || !strchr("?&*!|>'\"%@`-", c)))
            k |= PLAIN_FIRST;  /* yaml12._PLAIN's first character, "-" aside */
        if (c != 0 && strchr("tTfF-+0123456789.~nN", c))
            k |= TYPED_FIRST;  /* yaml12._TYPED_FIRST */
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_')
            k |= KEY_FIRST | KEY_CHAR;  /* yaml12._KEY */
        if (c >= '0' && c <= '9')
            k |= KEY_CHAR;
        ascii_class[c] = k;
    }
}

/* yaml12._UNSAFE_TEXT beyond ASCII */
static int is_unsafe_wide(Py_UCS4 c)
{
    return c <= 0x9f || c == 0x2028 || c == 0x2029 || c == 0xfeff || c == 0xfffe ||
           c == 0xffff || (c >= 0xd800 && c <= 0xdfff);
}

/* Python's \s beyond ASCII, in a text without unsafe characters */
static int is_white_wide(Py_UCS4 c)
{
    return c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x202f ||
           c == 0x205f || c == 0x3000;
}

static inline int has(Py_UCS4 c, int class)
{
    if (c < 128)
        return ascii_class[c] & class;
    /* beyond ASCII (and past the unsafe check) a character is safe, and may start a plain
       scalar, unless it is white space; it is never a key's or typed scalar's first.
       Nothing above U+3000 is white: Chinese text takes the first test only */
    return (class & (SAFE | PLAIN_FIRST)) && (c > 0x3000 || !is_white_wide(c));
}

static PyObject *substring(Doc *d, Py_ssize_t start, Py_ssize_t end)
{
    return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, d->s + start, end - start);
}

/* 1 when the lines have been split; 0 to decline; -1 on a memory error */
static int split_lines(Doc *d)
{
    Py_ssize_t len = d->len, i, count = 1, line_start = 0;
    for (i = 0; i < len; i++) {
        Py_UCS4 c = CH(d, i);
        if (c == '\n')
            count++;
        else if (c == '\r') {
            if (i + 1 >= len || CH(d, i + 1) != '\n')
                return 0;
        }
        else if (c < 128 ? (ascii_class[c] & UNSAFE) : is_unsafe_wide(c))
            return 0;
    }
    d->start = PyMem_New(Py_ssize_t, count);
    d->end = PyMem_New(Py_ssize_t, count);
    if (d->start == NULL || d->end == NULL)
        return -1;
    d->n = 0;
    for (i = 0; i <= len; i++) {
        if (i < len && CH(d, i) != '\n')
            continue;
        Py_ssize_t stop = i, p = line_start;
        if (stop > line_start && CH(d, stop - 1) == '\r')
            stop--;
        while (p < stop && CH(d, p) == ' ')
            p++;
        if (p < stop && CH(d, p) != '#') {  /* blank and comment-only lines go */
            d->start[d->n] = line_start;
            d->end[d->n] = stop;
            d->n++;
        }
        line_start = i + 1;
    }
    return 1;
}

static Py_ssize_t indent_of(Doc *d, Py_ssize_t line)
{
    Py_ssize_t p = d->start[line];
    while (p < d->end[line] && CH(d, p) == ' ')
        p++;
    return p - d->start[line];
}

/* The end of the plain scalar at pos (yaml12._PLAIN, longest match), or -1 */
static Py_ssize_t scan_plain(Doc *d, Py_ssize_t pos, Py_ssize_t end)
{
    if (pos >= end)
        return -1;
    Py_UCS4 c = CH(d, pos);
    if (c == '-') {
        if (pos + 1 >= end || !has(CH(d, pos + 1), SAFE))
            return -1;
    }
    else if (!has(c, PLAIN_FIRST))
        return -1;
    Py_ssize_t p = pos + 1;
    for (;;) {
        while (p < end && has(CH(d, p), SAFE))
            p++;
        Py_ssize_t q = p;
        while (q < end && CH(d, q) == ' ')
            q++;
        if (q == p || q >= end || !has(CH(d, q), SAFE))
            return p;
        p = q;
    }
}

/* yaml12._FLOW_END at pos: spaces to the end, or spaces then a comment */
static int ends_line(Doc *d, Py_ssize_t pos, Py_ssize_t end)
{
    Py_ssize_t q = pos;
    while (q < end && CH(d, q) == ' ')
        q++;
    return q == end || (q > pos && CH(d, q) == '#');
}

/* A closing quote: its position, or -1 (no closing quote, or a backslash in "...") */
static Py_ssize_t closing_quote(Doc *d, Py_ssize_t pos, Py_ssize_t end, Py_UCS4 quote)
{
    for (Py_ssize_t p = pos + 1; p < end; p++) {
        Py_UCS4 c = CH(d, p);
        if (c == quote)
            return p;
        if (quote == '"' && c == '\\')
            return -1;
    }
    return -1;
}

/* The typed value of the plain scalar [pos, stop): new reference, NULL to decline or on error */
static PyObject *plain_value(Doc *d, Py_ssize_t pos, Py_ssize_t stop)
{
    PyObject *text = substring(d, pos, stop);
    if (text == NULL || !has(CH(d, pos), TYPED_FIRST))
        return text;
    PyObject *value = PyDict_GetItemWithError(plain_memo, text);
    if (value != NULL) {
        Py_DECREF(text);
        Py_INCREF(value);
        return value;
    }
    if (PyErr_Occurred()) {
        Py_DECREF(text);
        return NULL;
    }
    value = PyObject_CallOneArg(plain_typer, text);  /* ValueError: an impossible date */
    Py_DECREF(text);
    return value;
}

/* Add key [pos, stop) -> value to mapping (steals value): 1 done, 0 decline, -1 error */
static int put(Doc *d, PyObject *mapping, Py_ssize_t pos, Py_ssize_t stop, PyObject *value)
{
    PyObject *key = substring(d, pos, stop);
    int result = -1;
    if (key == NULL || value == NULL)
        goto done;
    int found = PyDict_Contains(mapping, key);
    if (found != 0) {  /* a duplicate key: libyaml says exactly where */
        result = found < 0 ? -1 : 0;
        goto done;
    }
    found = PySet_Contains(known_keys, key);
    if (found < 0)
        goto done;
    if (!found) {  /* "true", "null"...: yaml12._simple_key_ok decides, and remembers */
        PyObject *ok = PyObject_CallOneArg(key_checker, key);
        if (ok == NULL)
            goto done;
        found = PyObject_IsTrue(ok);
        Py_DECREF(ok);
        if (found <= 0) {
            result = found;
            goto done;
        }
    }
    result = PyDict_SetItem(mapping, key, value) < 0 ? -1 : 1;
done:
    Py_XDECREF(key);
    Py_XDECREF(value);
    return result;
}

/* Append item to list, taking over the reference: 0 done, -1 error */
static int append(PyObject *list, PyObject *item)
{
    int failed = PyList_Append(list, item);
    Py_DECREF(item);
    return failed;
}

enum token { T_FAIL, T_OPEN_MAP, T_CLOSE_MAP, T_OPEN_SEQ, T_CLOSE_SEQ, T_COMMA, T_COLON,
             T_QUOTED, T_PLAIN };

/* yaml12._FLOW_TOKEN at *pos: the token's kind; [*tok_start, *tok_end) its text */
static enum token flow_token(Doc *d, Py_ssize_t *pos, Py_ssize_t end,
                             Py_ssize_t *tok_start, Py_ssize_t *tok_end)
{
    Py_ssize_t p = *pos;
    while (p < end && CH(d, p) == ' ')
        p++;
    if (p >= end)
        return T_FAIL;
    Py_UCS4 c = CH(d, p);
    enum token kind = T_FAIL;
    switch (c) {
    case '{': kind = T_OPEN_MAP; break;
    case '}': kind = T_CLOSE_MAP; break;
    case '[': kind = T_OPEN_SEQ; break;
    case ']': kind = T_CLOSE_SEQ; break;
    case ',': kind = T_COMMA; break;
    }
    if (kind != T_FAIL) {
        *tok_start = p;
        *pos = p + 1;
        return kind;
    }
    if (c == ':') {
        if (p + 1 >= end || CH(d, p + 1) != ' ')
            return T_FAIL;
        *pos = p + 1;
        return T_COLON;
    }
    if (c == '"' || c == '\'') {
        Py_ssize_t close = closing_quote(d, p, end, c);
        if (close < 0)
            return T_FAIL;
        *tok_start = p + 1;
        *tok_end = close;
        *pos = close + 1;
        return T_QUOTED;
    }
    Py_ssize_t stop = scan_plain(d, p, end);
    if (stop < 0)
        return T_FAIL;
    *tok_start = p;
    *tok_end = stop;
    *pos = stop;
    return T_PLAIN;
}

static PyObject *flow(Doc *d, Py_ssize_t *pos, Py_ssize_t end, int depth);

/* A flow value from the token just read: new reference, NULL to decline or on error */
static PyObject *flow_value(Doc *d, enum token kind, Py_ssize_t tok_start, Py_ssize_t tok_end,
                            Py_ssize_t *pos, Py_ssize_t end, int depth)
{
    if (kind == T_OPEN_MAP || kind == T_OPEN_SEQ) {
        *pos = tok_start;
        return flow(d, pos, end, depth + 1);
    }
    if (kind == T_QUOTED)
        return substring(d, tok_start, tok_end);
    if (kind == T_PLAIN)
        return plain_value(d, tok_start, tok_end);
    return NULL;
}

/* yaml12._simple_flow: the one-line flow collection at *pos ("{" or "[") */
static PyObject *flow(Doc *d, Py_ssize_t *pos, Py_ssize_t end, int depth)
{
    if (depth > MAX_FLOW_DEPTH)
        return NULL;
    int is_map = CH(d, *pos) == '{';
    enum token closing = is_map ? T_CLOSE_MAP : T_CLOSE_SEQ;
    PyObject *result = is_map ? PyDict_New() : PyList_New(0);
    Py_ssize_t ts = 0, te = 0;
    if (result == NULL)
        return NULL;
    (*pos)++;
    enum token kind = flow_token(d, pos, end, &ts, &te);
    if (kind == closing)
        return result;
    for (;;) {
        if (is_map) {
            if (kind != T_PLAIN)  /* quoted or structured keys: libyaml */
                goto decline;
            Py_ssize_t key_start = ts, key_end = te;
            if (flow_token(d, pos, end, &ts, &te) != T_COLON)
                goto decline;
            kind = flow_token(d, pos, end, &ts, &te);
            PyObject *value = flow_value(d, kind, ts, te, pos, end, depth);
            if (value == NULL || put(d, result, key_start, key_end, value) <= 0)
                goto decline;
        }
        else {
            PyObject *value = flow_value(d, kind, ts, te, pos, end, depth);
            if (value == NULL || append(result, value) < 0)
                goto decline;
        }
        kind = flow_token(d, pos, end, &ts, &te);
        if (kind == closing)
            return result;
        if (kind != T_COMMA)
            goto decline;
        kind = flow_token(d, pos, end, &ts, &te);
    }
decline:
    Py_DECREF(result);
    return NULL;
}

/* yaml12._simple_inline: the value written after "key: " or "- ", up to the line's end */
static PyObject *inline_value(Doc *d, Py_ssize_t pos, Py_ssize_t end)
{
    Py_UCS4 c = CH(d, pos);
    if (c == '{' || c == '[') {
        PyObject *value = flow(d, &pos, end, 0);
        if (value != NULL && !ends_line(d, pos, end))
            Py_CLEAR(value);
        return value;
    }
    if (c == '"' || c == '\'') {
        Py_ssize_t close = closing_quote(d, pos, end, c);
        if (close < 0 || !ends_line(d, close + 1, end))
            return NULL;
        return substring(d, pos + 1, close);
    }
    Py_ssize_t stop = scan_plain(d, pos, end);
    if (stop < 0 || !ends_line(d, stop, end))
        return NULL;
    return plain_value(d, pos, stop);
}

/* "key:" then spaces and the rest, at pos: 1 with the key and the rest's start (or -1 for
 * no rest), 0 when the line has another shape (yaml12._TOP / _INNER after the indent) */
static int key_line(Doc *d, Py_ssize_t pos, Py_ssize_t end, Py_ssize_t *key_end,
                    Py_ssize_t *rest)
{
    Py_ssize_t p = pos;
    if (p >= end || !has(CH(d, p), KEY_FIRST))
        return 0;
    while (p < end && has(CH(d, p), KEY_CHAR))
        p++;
    if (p >= end || CH(d, p) != ':')
        return 0;
    *key_end = p++;
    if (p == end) {
        *rest = -1;
        return 1;
    }
    if (CH(d, p) != ' ')
        return 0;
    while (p < end && CH(d, p) == ' ')
        p++;
    *rest = p < end ? p : -1;
    return 1;
}

/* yaml12._simple_entry: "key: value" into mapping; 1 done, 0 decline, -1 error */
static int entry(Doc *d, PyObject *mapping, Py_ssize_t key_start, Py_ssize_t key_end,
                 Py_ssize_t rest, Py_ssize_t end)
{
    if (rest < 0 || CH(d, rest) == '#')  /* a nested block or an empty value: libyaml */
        return 0;
    PyObject *value = inline_value(d, rest, end);
    if (value == NULL)
        return PyErr_Occurred() ? -1 : 0;
    return put(d, mapping, key_start, key_end, value);
}

/* yaml12._simple_mapping: block "key: value" lines at indent; NULL to decline or on error */
static PyObject *block_mapping(Doc *d, Py_ssize_t *i, Py_ssize_t indent, PyObject *into)
{
    PyObject *mapping = into != NULL ? into : PyDict_New();
    if (mapping == NULL)
        return NULL;
    while (*i < d->n) {
        Py_ssize_t here = indent_of(d, *i), key_end, rest;
        if (here < indent)
            break;
        Py_ssize_t key_start = d->start[*i] + here;
        if (here > indent || !key_line(d, key_start, d->end[*i], &key_end, &rest) ||
            entry(d, mapping, key_start, key_end, rest, d->end[*i]) <= 0)
            goto decline;
        (*i)++;
    }
    if (indent && *i < d->n && into == NULL && indent_of(d, *i) != 0)
        goto decline;
    return mapping;
decline:
    if (into == NULL)
        Py_DECREF(mapping);
    return NULL;
}

/* yaml12._simple_sequence: "- item" lines at indent */
static PyObject *block_sequence(Doc *d, Py_ssize_t *i, Py_ssize_t indent)
{
    PyObject *items = PyList_New(0);
    if (items == NULL)
        return NULL;
    while (*i < d->n) {
        Py_ssize_t here = indent_of(d, *i), start = d->start[*i], end = d->end[*i];
        Py_ssize_t dash = start + here;
        int is_item = dash + 1 < end && CH(d, dash) == '-' && CH(d, dash + 1) == ' ';
        if (!is_item || here != indent) {
            if ((here >= indent && indent > 0) || (indent == 0 && here > 0))
                goto decline;
            break;
        }
        Py_ssize_t rest = dash + 2, key_end, value_start;
        (*i)++;
        PyObject *item;
        if (rest >= end)
            goto decline;  /* "- " alone: an empty item */
        Py_UCS4 first = CH(d, rest);
        if (first != '{' && first != '[' && first != '"' && first != '\'' &&
            key_line(d, rest, end, &key_end, &value_start)) {
            item = PyDict_New();  /* "- key: value" and its mapping's other lines */
            if (item == NULL)
                goto decline;
            if (entry(d, item, rest, key_end, value_start, end) <= 0 ||
                block_mapping(d, i, indent + 2, item) == NULL) {
                Py_DECREF(item);
                goto decline;
            }
        }
        else if (first == ' ')
            goto decline;  /* "-   key:": the mapping's column is not indent + 2 */
        else {
            item = inline_value(d, rest, end);
            if (item == NULL)
                goto decline;
        }
        if (append(items, item) < 0)
            goto decline;
    }
    return items;
decline:
    Py_DECREF(items);
    return NULL;
}

/* yaml12._simple_document */
static PyObject *document(Doc *d)
{
    PyObject *data = PyDict_New();
    Py_ssize_t i = 0;
    if (data == NULL || d->n == 0)
        goto decline;
    while (i < d->n) {
        Py_ssize_t start = d->start[i], end = d->end[i], key_end, rest;
        if (!key_line(d, start, end, &key_end, &rest))
            goto decline;
        i++;
        PyObject *value;
        if (rest >= 0 && CH(d, rest) != '#') {
            value = inline_value(d, rest, end);
        }
        else if (i < d->n && (CH(d, d->start[i]) == ' ' || (d->end[i] - d->start[i] >= 2 &&
                 CH(d, d->start[i]) == '-' && CH(d, d->start[i] + 1) == ' '))) {
            Py_ssize_t indent = indent_of(d, i), at = d->start[i] + indent;
            if (at + 1 < d->end[i] && CH(d, at) == '-' && CH(d, at + 1) == ' ')
                value = block_sequence(d, &i, indent);
            else
                value = block_mapping(d, &i, indent, NULL);
        }
        else {
            value = Py_None;
            Py_INCREF(value);
        }
        if (value == NULL || put(d, data, start, key_end, value) <= 0)
            goto decline;
    }
    return data;
decline:
    Py_XDECREF(data);
    return NULL;
}

static PyObject *load(PyObject *Py_UNUSED(self), PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "load() needs a str");
        return NULL;
    }
    if (plain_memo == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "configure() first");
        return NULL;
    }
    Doc d = {text, PyUnicode_AsUCS4Copy(text), PyUnicode_GET_LENGTH(text), NULL, NULL, 0};
    PyObject *result = NULL;
    if (d.s == NULL)
        return NULL;
    int split = split_lines(&d);
    if (split > 0)
        result = document(&d);
    PyMem_Free(d.s);
    PyMem_Free(d.start);
    PyMem_Free(d.end);
    if (split < 0)
        return PyErr_NoMemory();
    if (result != NULL)
        return result;
    /* declining is an answer; a typing error (an impossible date) is a decline too, and
       only a failure of Python itself is passed on */
    if (PyErr_Occurred()) {
        if (!PyErr_ExceptionMatches(PyExc_ValueError) &&
            !PyErr_ExceptionMatches(PyExc_OverflowError))
            return NULL;
        PyErr_Clear();
    }
    Py_RETURN_NONE;
}

static PyObject *configure(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *memo, *typer, *keys, *checker;
    if (!PyArg_ParseTuple(args, "O!OO!O:configure", &PyDict_Type, &memo, &typer, &PySet_Type,
                          &keys, &checker))
        return NULL;
    Py_INCREF(memo);
    Py_INCREF(typer);
    Py_INCREF(keys);
    Py_INCREF(checker);
    Py_XSETREF(plain_memo, memo);
    Py_XSETREF(plain_typer, typer);
    Py_XSETREF(known_keys, keys);
    Py_XSETREF(key_checker, checker);
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"load", load, METH_O,
     "Read a YAML document of the simple shape into Python data; None to decline."},
    {"configure", configure, METH_VARARGS,
     "configure(memo, typer, known_keys, key_checker): yaml12's typing and key checks."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "followup.store._simple",
    "The simple-shape YAML reader of yaml12, compiled (see yaml12.load_simple).", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__simple(void)
{
    init_classes();
    return PyModule_Create(&module);
}
