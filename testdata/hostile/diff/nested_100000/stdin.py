"""diff of a report whose findings nest 100,000 arrays deep"""
import sys

sys.stdout.write('{"schema_version":1,"command":"mx","domain":"a.example","result":"pass","findings":'
                 + "[" * 100000 + "]" * 100000 + "}\n")
