"""a TLS report of 17 MiB"""
import sys
sys.stdout.write('{"policies": [' + ",".join(['{"policy": {"policy-type": "sts", "policy-domain": "a.example"}}'] * 260000) + "]}")
