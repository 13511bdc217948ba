"""tender"""
