//! # Lists and queues of gs, linked through `g.schedlink` (proc.go:6861-6990 gList, gQueue)

use crate::base::runtime2::*;
use core::ptr::null_mut;

// gList / gQueue operations (proc.go:6898-7010).

/// `gList.push`.
///
/// # Safety
/// Valid pointers.
pub unsafe fn glist_push(head: *mut *mut g, gp: *mut g) {
    (*gp).schedlink = *head;
    *head = gp;
}
/// `gList.pop`.
///
/// # Safety
/// Valid pointers.
pub unsafe fn glist_pop(head: *mut *mut g) -> *mut g {
    let gp = *head;
    if !gp.is_null() {
        *head = (*gp).schedlink;
    }
    gp
}
/// `gQueue.pushBack`.
///
/// # Safety
/// Valid pointers.
pub unsafe fn gqueue_pushBack(q: *mut gQueue, gp: *mut g) {
    (*gp).schedlink = null_mut();
    if !(*q).tail.is_null() {
        (*(*q).tail).schedlink = gp;
    } else {
        (*q).head = gp;
    }
    (*q).tail = gp;
}
/// `gQueue.pushBackAll`.
///
/// # Safety
/// Valid pointers.
pub unsafe fn gqueue_pushBackAll(q: *mut gQueue, q2: gQueue) {
    if q2.tail.is_null() {
        return;
    }
    (*q2.tail).schedlink = null_mut();
    if !(*q).tail.is_null() {
        (*(*q).tail).schedlink = q2.head;
    } else {
        (*q).head = q2.head;
    }
    (*q).tail = q2.tail;
}
/// `gQueue.pop`.
///
/// # Safety
/// Valid pointers.
pub unsafe fn gqueue_pop(q: *mut gQueue) -> *mut g {
    let gp = (*q).head;
    if !gp.is_null() {
        (*q).head = (*gp).schedlink;
        if (*q).head.is_null() {
            (*q).tail = null_mut();
        }
    }
    gp
}

/// `gQueue.push`: add to the head.
///
/// # Safety
/// Valid pointers.
pub unsafe fn gqueue_push(q: *mut gQueue, gp: *mut g) {
    (*gp).schedlink = (*q).head;
    (*q).head = gp;
    if (*q).tail.is_null() {
        (*q).tail = gp;
    }
}
