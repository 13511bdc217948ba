"""expert_pool"""
