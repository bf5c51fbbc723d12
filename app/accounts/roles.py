"""Who a user is to the platform; in a module of its own so the command line loads it cheaply."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ENTERPRISE = "enterprise"  # 企业用户
    LENDER_USER = "lender_user"  # 金融机构工作人员
    LENDER_CLIENT = "lender_client"  # 金融机构系统 (API key only)
    OFFICE = "office"  # 金融办/信用办
    DATA_OPERATOR = "data_operator"  # 数据运维
    ADMIN = "admin"  # 系统管理员
