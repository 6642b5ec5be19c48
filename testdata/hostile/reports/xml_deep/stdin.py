"""<feedback> with 100,000 nested elements"""
import sys
sys.stdout.write("<feedback>" + "<a>" * 100000 + "</a>" * 100000 + "</feedback>\n")
