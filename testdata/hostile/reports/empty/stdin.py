"""nothing"""
